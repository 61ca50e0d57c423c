import Foundation
import TestSupport
import Testing

// SPEC §16, as a person sees it: `ormlab run SCRIPT --format html` writes one page, and Debian's
// headless Chromium renders it (a desktop and a phone width) and the `:diagram svg` picture to
// PNG, with no console error and no resource it fails to load. Skipped, loudly, without
// chromium (scripts/setup-system.sh installs it).

private let chromium = programPath("chromium") ?? programPath("chromium-browser")

private func announceSkip() {
    if chromium == nil {
        print("⚠️  SKIPPED PagesInABrowserTests' browser checks: chromium is not installed (scripts/setup-system.sh installs it)")
    }
}

/// Width and height of a PNG, read from its IHDR chunk.
private func pngSize(_ path: String) throws -> (width: Int, height: Int) {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try #require(data.count > 24 && data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    func be32(_ at: Int) -> Int { data[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}

/// Chromium's headless screenshot of `file`; its log (stderr) is returned for the console check.
private func screenshot(_ file: String, to png: String, width: Int, height: Int) throws -> String {
    let profile = NSTemporaryDirectory() + "ormlab-chromium-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: profile) }
    let result = try runChild(try #require(chromium), [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
        "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0",
        "--window-size=\(width),\(height)", "--screenshot=\(png)", "file://\(file)",
    ], timeout: 90)
    #expect(!result.timedOut, "chromium did not finish")
    #expect(result.status == 0, "chromium failed: \(result.stderr)")
    return result.stderr
}

/// What Chromium logs when a page logs to the console or misses a resource.
private func consoleProblems(_ log: String) -> [String] {
    log.split(separator: "\n").map(String.init).filter {
        $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("Failed to load resource") || $0.contains("net::ERR_")
    }
}

@Suite(.serialized) struct PagesInABrowserTests {
    let directory: String
    let script = packageRoot.appendingPathComponent("Playground/08-diagrams.orm").path

    init() throws {
        directory = try temporaryDirectory()
        announceSkip()
    }

    /// The page of the Playground diagram script, as `ormlab run --format html` prints it.
    func page() throws -> String {
        let result = try runProcess(ormlabBinary, ["run", script, "--format", "html"])
        #expect(result.status == 0, "\(result.stderr)")
        let path = directory + "/08-diagrams.html"
        try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func runFormatHTMLPrintsOnePageOfEveryCommand() throws {
        let path = try page()
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let json = try runProcess(ormlabBinary, ["run", script, "--format", "json"])
        let commands = json.stdout.split(separator: "\n").count
        #expect(commands == 13)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.components(separatedBy: "<section class=\"cmd").count - 1 == commands)
        #expect(html.contains("<title>08-diagrams · ORMLab</title>"))
        #expect(!html.contains("<script") && !html.contains(" src=") && !html.contains("<link"))
    }

    /// Commands read from a pipe (`ormlab < script`, through the lesson runner) are on the page
    /// `:save FILE.html` writes, as typed commands are.
    @Test func saveHTMLFromAPipeHoldsTheCommandsBeforeIt() throws {
        let page = directory + "/piped.html"
        let result = try runProcess(ormlabBinary, [], stdin: Data("entity Author { name: String }\ninsert Author(name: \"Le Guin\")\n:save \(page)\n".utf8))
        #expect(result.status == 0, "\(result.stdout)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.components(separatedBy: "<section class=\"cmd").count - 1 == 2)
        #expect(html.contains("insert Author(name: &quot;Le Guin&quot;)"))
    }

    @Test func aFailingScriptStillPrintsItsWholePageAndExitsWith1() throws {
        let path = directory + "/broken.orm"
        try "entity Author { name: String }\nAuthor.whre(name == \"x\")\ninsert Author(name: \"<i>Le Guin</i>\")\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["run", path, "--format", "html"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>") && result.stdout.hasSuffix("</html>\n"))
        #expect(result.stdout.components(separatedBy: "<section class=\"cmd").count - 1 == 3)
        #expect(result.stdout.contains("<section class=\"cmd failed\" id=\"c2\">"))
        #expect(result.stdout.contains("&lt;i&gt;Le Guin&lt;/i&gt;") && !result.stdout.contains("<i>Le Guin"))
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup-system.sh installs it)"),
          arguments: [(1200, 1800), (390, 1400)])
    func chromiumRendersThePageWithoutConsoleErrors(width: Int, height: Int) throws {
        let path = try page()
        let png = directory + "/page-\(width).png"
        let log = try screenshot(path, to: png, width: width, height: height)
        #expect(consoleProblems(log).isEmpty, "\(consoleProblems(log))")
        let size = try pngSize(png)
        #expect(size.width == width && size.height == height)
        // A blank page compresses to a few kilobytes; this one has boxes, panes and text.
        let bytes = try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int ?? 0
        #expect(bytes > 40_000, "\(bytes) bytes")
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup-system.sh installs it)"))
    func chromiumReadsThePagesDOMWholeWithTheDiagramInline() throws {
        let path = try page()
        let profile = NSTemporaryDirectory() + "ormlab-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let result = try runChild(try #require(chromium), ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                          "--user-data-dir=\(profile)", "--dump-dom", "file://\(path)"], timeout: 90)
        #expect(result.status == 0)
        #expect(result.stdout.components(separatedBy: "<section class=\"cmd").count - 1 == 13)
        #expect(result.stdout.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(result.stdout.contains("data-name=\"book_tag\""))
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup-system.sh installs it)"))
    func chromiumRendersTheSVGDiagram() throws {
        let svg = directory + "/library.svg"
        let run = try runProcess(ormlabBinary, ["run", script], stdin: nil)
        #expect(run.status == 0)
        let write = try runProcess(ormlabBinary, [], stdin: Data((try String(contentsOfFile: script, encoding: .utf8) + "\n:diagram svg \(svg)\n").utf8))
        #expect(write.status == 0, "\(write.stdout)")
        let png = directory + "/library.png"
        let log = try screenshot(svg, to: png, width: 1100, height: 800)
        #expect(consoleProblems(log).isEmpty, "\(consoleProblems(log))")
        #expect(try pngSize(png) == (1100, 800))
        let bytes = try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int ?? 0
        #expect(bytes > 20_000, "\(bytes) bytes")
    }

    /// The console check can fail: a page that logs an error is caught.
    @Test(.enabled(if: chromium != nil, "chromium is not installed (scripts/setup-system.sh installs it)"))
    func theConsoleCheckCatchesAPageThatLogsAnError() throws {
        let path = directory + "/bad.html"
        try "<!DOCTYPE html><title>bad</title><script>console.error('broken page')</script>"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let log = try screenshot(path, to: directory + "/bad.png", width: 400, height: 300)
        #expect(!consoleProblems(log).isEmpty, "chromium's log did not show the error: \(log)")
    }
}

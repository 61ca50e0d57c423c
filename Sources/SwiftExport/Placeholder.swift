// Placeholder until the SwiftExport layer lands.

import Report
import Runtime
import Testing
@testable import Workbench

// Issue 23 (inheritance strategies): `entity Car : Vehicle` under inheritance(single | joined |
// concrete): the tables each strategy makes, the SQL of writes and reads, objects of their real
// class, one identity per hierarchy, associations to a base class and to a subclass, and the
// diagnostics of bad hierarchies.

private func vehicles(_ strategy: String) -> String {
    """
    entity Vehicle inheritance(\(strategy)) { make: String; wheels: Int }
    entity Car : Vehicle { doors: Int }
    entity Truck : Vehicle { payload: Double }
    insert Vehicle(make: "Bike", wheels: 2)
    insert Car(make: "VW", wheels: 4, doors: 5)
    insert Truck(make: "MAN", wheels: 6, payload: 7.5)
    """
}

private func refs(_ report: Report) -> [String] { report.objects.map(\.ref) }

@Suite struct InheritanceStrategyTests {
    @Test func singleTableOneTableATypeColumnAndNullableSubclassColumns() throws {
        let wb = try Workbench()
        let reports = runAll(wb, vehicles("single"))
        #expect(dataSQL(reports[0]) == [#"CREATE TABLE "vehicle" ("id" INTEGER PRIMARY KEY, "type" TEXT NOT NULL DEFAULT 'Vehicle', "make" TEXT NOT NULL, "wheels" INTEGER NOT NULL)"#])
        #expect(dataSQL(reports[1]) == [#"ALTER TABLE "vehicle" ADD COLUMN "doors" INTEGER"#])
        // The Mapping pane says why the subclass column is nullable in the table.
        let car = try #require(reports[1].mapping.first { $0.entity == "Car" })
        #expect(car.table == "vehicle")
        #expect(car.columns.first { $0.property == "doors" }?.constraints == ["NULL in the table (required by the ORM)"])
        #expect(car.inheritance.contains { $0.contains("doors is nullable in vehicle") })
        let save = try last(wb, "save")
        #expect(dataSQL(save) == [
            #"INSERT INTO "vehicle" ("type", "make", "wheels") VALUES (?, ?, ?)"#,
            #"INSERT INTO "vehicle" ("type", "make", "wheels", "doors") VALUES (?, ?, ?, ?)"#,
            #"INSERT INTO "vehicle" ("type", "make", "wheels", "payload") VALUES (?, ?, ?, ?)"#,
        ])
        #expect(try scalar(wb, "SELECT COUNT(*) FROM vehicle WHERE doors IS NULL") == "2")
        let cars = try last(wb, "Car.where(doors > 2)")
        #expect(dataSQL(cars) == [#"SELECT "vehicle".* FROM (SELECT "vehicle"."id", "vehicle"."type", "vehicle"."make", "vehicle"."wheels", "vehicle"."doors" FROM "vehicle" WHERE "vehicle"."type" IN ('Car')) AS "vehicle" WHERE "vehicle"."doors" > ?"#])
    }

    @Test func joinedATablePerClassKeyedByTheParentsIDWrittenInOrder() throws {
        let wb = try Workbench()
        let reports = runAll(wb, vehicles("joined"))
        #expect(dataSQL(reports[1]) == [#"CREATE TABLE "car" ("id" INTEGER NOT NULL REFERENCES "vehicle"("id") ON DELETE CASCADE, "doors" INTEGER NOT NULL, PRIMARY KEY ("id"))"#])
        let save = try last(wb, "save")
        // The parent row first: the child row takes its id.
        #expect(dataSQL(save) == [
            #"INSERT INTO "vehicle" ("type", "make", "wheels") VALUES (?, ?, ?)"#,
            #"INSERT INTO "vehicle" ("type", "make", "wheels") VALUES (?, ?, ?)"#,
            #"INSERT INTO "car" ("id", "doors") VALUES (?, ?)"#,
            #"INSERT INTO "vehicle" ("type", "make", "wheels") VALUES (?, ?, ?)"#,
            #"INSERT INTO "truck" ("id", "payload") VALUES (?, ?)"#,
        ])
        #expect(save.sql.first { $0.sql.hasPrefix(#"INSERT INTO "car""#) }?.params == [.integer(2), .integer(5)])
        runAll(wb, "Car#2.make = \"Golf\"\nCar#2.doors = 3")
        let update = try last(wb, "save")
        #expect(dataSQL(update) == [#"UPDATE "vehicle" SET "make" = ? WHERE "id" = ?"#, #"UPDATE "car" SET "doors" = ? WHERE "id" = ?"#])
        #expect(update.objects.map(\.ref) == ["Car#2"])
        runAll(wb, "delete Car#2")
        let delete = try last(wb, "save")
        #expect(dataSQL(delete) == [#"DELETE FROM "car" WHERE "id" = ?"#, #"DELETE FROM "vehicle" WHERE "id" = ?"#])
        #expect(try scalar(wb, "SELECT COUNT(*) FROM vehicle") == "2")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM car") == "0")
    }

    @Test func concreteAFullTablePerClassIDsFromOneGeneratorAndUnionAll() throws {
        let wb = try Workbench()
        let reports = runAll(wb, vehicles("concrete"))
        #expect(dataSQL(reports[0]).last == #"CREATE TABLE "vehicle_ids" ("id" INTEGER PRIMARY KEY)"#)
        #expect(dataSQL(reports[1]) == [#"CREATE TABLE "car" ("id" INTEGER PRIMARY KEY, "make" TEXT NOT NULL, "wheels" INTEGER NOT NULL, "doors" INTEGER NOT NULL)"#])
        let save = try last(wb, "save")
        #expect(dataSQL(save).filter { $0.contains("vehicle_ids") }.count == 3)
        #expect(save.objects.map(\.ref) == ["Vehicle#1", "Car#2", "Truck#3"])
        runAll(wb, ":forget")
        let all = try last(wb, "Vehicle.all")
        #expect(dataSQL(all).count == 1)
        #expect(dataSQL(all)[0].contains("UNION ALL"))
        #expect(refs(all) == ["Vehicle#1", "Car#2", "Truck#3"])
    }

    @Test(arguments: ["single", "joined", "concrete"])
    func baseQueriesReturnObjectsOfTheirRealClassWithOneIdentityPerHierarchy(strategy: String) throws {
        let wb = try Workbench()
        runAll(wb, vehicles(strategy) + "\nsave\n:forget")
        let all = try last(wb, "Vehicle.all.order(id)")
        expectOK(all)
        #expect(refs(all) == ["Vehicle#1", "Car#2", "Truck#3"])
        #expect(value(all.objects[1], "doors") == .integer(5))
        #expect(value(all.objects[2], "payload") == .real(7.5))
        // Vehicle#2 is the Car#2 already loaded: no SQL.
        let byBase = try last(wb, "Vehicle#2")
        #expect(byBase.sql.isEmpty)
        #expect(refs(byBase) == ["Car#2"])
        let cars = try last(wb, "Car.where(doors > 2)")
        #expect(refs(cars) == ["Car#2"])
        #expect(try last(wb, "Car.count").sql.count == 1)
        #expect(try last(wb, "Truck.where(payload > 1).count").value == .integer(1))
        let page = try last(wb, "Vehicle.order(make desc).limit(2)")
        #expect(refs(page) == ["Car#2", "Truck#3"])
        // A fresh identity map: Vehicle#3 by id is a query that returns a Truck.
        runAll(wb, ":forget")
        let find = try last(wb, "Vehicle#3")
        #expect(refs(find) == ["Truck#3"])
        #expect(find.sql.count == 1)
        let missing = try #require(wb.run("Car#3").first)
        #expect(!missing.ok)
        #expect(missing.diagnostics.first?.message == "Car#3 does not exist")
        // #3 is a Truck: the hint must not say that no row has that id.
        #expect(missing.diagnostics.first?.hint == "no Car has id 3; if a row has it, it is of another class of Vehicle: Vehicle#3 reads it as its real class; Car.all lists the objects")
        // A change to Truck#3 is seen through Vehicle#3: one object.
        runAll(wb, "Truck#3.payload = 9\nsave\n:forget")
        let again = try last(wb, "Vehicle#3")
        #expect(value(again.objects[0], "payload") == .real(9))
    }

    // A REFERENCES "vehicle"("id") would refuse every row that points at a Car: under concrete
    // its row is in "car", so no foreign key is declared to a class of a concrete hierarchy (nor
    // to Truck, which may get subclasses of its own).
    @Test func concreteDeclaresNoForeignKeyToAClassWhoseObjectsLiveInSeveralTables() throws {
        let wb = try Workbench()
        let reports = runAll(wb, vehicles("concrete") + """

        save
        entity Garage { name: String; favourite: Vehicle?; truck: Truck? }
        insert Garage(name: "G1", favourite: Car#2, truck: Truck#3)
        save
        """)
        let garage = try #require(reports.first { $0.mapping.contains { $0.entity == "Garage" } })
        #expect(dataSQL(garage) == [#"CREATE TABLE "garage" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "favourite_id" INTEGER, "truck_id" INTEGER)"#])
        expectOK(try #require(reports.last))
        runAll(wb, ":forget")
        let favourite = try last(wb, "Garage#1.favourite")
        #expect(refs(favourite) == ["Car#2"])
    }

    // Pointing a to-many at an existing hierarchy class: the usual hint (redefine the other
    // side) would be refused, so the hint gives the order that works.
    @Test func aCollectionPointingAtAnExistingHierarchyClassHintsTheOrderThatWorks() throws {
        let wb = try Workbench()
        let reports = runAll(wb, "entity Vehicle inheritance(single) { make: String }\nentity Driver { name: String; vehicles: [Vehicle] }")
        let hint = try #require(reports.last?.diagnostics.first?.hint)
        #expect(hint == "Vehicle is a class of an inheritance hierarchy, which cannot be redefined: declare Driver before Vehicle's hierarchy, then define Vehicle with its side (:help inheritance)")
    }

    // The root's to-many and many-to-many are inherited as they are: Car#1.trips, Car#1.drivers;
    // the other side's collection holds objects of their real class.
    @Test(arguments: ["single", "joined", "concrete"])
    func collectionsOfTheRootAreInheritedAndLoadObjectsOfTheirRealClass(strategy: String) throws {
        let wb = try Workbench()
        let reports = runAll(wb, """
        entity Driver { name: String; vehicles: [Vehicle] }
        entity Trip { km: Int; vehicle: Vehicle }
        entity Vehicle inheritance(\(strategy)) { make: String; drivers: [Driver]; trips: [Trip] }
        entity Car : Vehicle { doors: Int }
        entity Truck : Vehicle { payload: Double }
        insert Car(make: "VW", doors: 5)
        insert Truck(make: "MAN", payload: 7.5)
        insert Driver(name: "Ann")
        save
        insert Trip(km: 10, vehicle: Car#1)
        Driver#1.vehicles.add(Car#1)
        Driver#1.vehicles.add(Truck#2)
        save
        :forget
        """)
        for report in reports { expectOK(report) }
        let trip = try #require(reports.first { r in dataSQL(r).contains { $0.hasPrefix(#"CREATE TABLE "trip""#) } })
        let tripTable = try #require(dataSQL(trip).first { $0.hasPrefix(#"CREATE TABLE "trip""#) })
        #expect(tripTable.contains(#"REFERENCES "vehicle""#) == (strategy != "concrete"))
        #expect(refs(try last(wb, "Driver#1.vehicles")) == ["Car#1", "Truck#2"])
        #expect(refs(try last(wb, "Car#1.trips")) == ["Trip#1"])
        #expect(refs(try last(wb, "Truck#2.drivers")) == ["Driver#1"])
        runAll(wb, ":forget")
        let eager = try last(wb, "Driver.include(vehicles)")
        #expect(dataSQL(eager).count == 2)
        #expect(refs(try last(wb, "Driver#1.vehicles")) == ["Car#1", "Truck#2"])
    }

    @Test(arguments: ["single", "joined", "concrete"])
    func associationsToABaseClassAndToASubclass(strategy: String) throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Person { name: String }
        entity Garage { name: String }
        entity Vehicle inheritance(\(strategy)) { make: String; owner: Person? }
        entity Car : Vehicle { doors: Int; garage: Garage? }
        entity Truck : Vehicle { payload: Double }
        entity Garage { name: String; cars: [Car] }
        entity Person { name: String; vehicles: [Vehicle] }
        insert Person(name: "Ann")
        insert Garage(name: "G1")
        insert Car(make: "VW", doors: 5, owner: Person#1, garage: Garage#1)
        insert Truck(make: "MAN", payload: 7.5, owner: Person#1)
        save
        :forget
        """)
        let owned = try last(wb, "Person#1.vehicles")
        expectOK(owned)
        #expect(refs(owned).contains("Car#1") && refs(owned).contains("Truck#2"))
        let parked = try last(wb, "Garage#1.cars")
        #expect(refs(parked).contains("Car#1"))
        let owner = try last(wb, "Car#1.owner")
        #expect(refs(owner) == ["Person#1"])
        let byPath = try last(wb, #"Vehicle.where(owner.name == "Ann").order(id)"#)
        #expect(refs(byPath) == ["Car#1", "Truck#2"])
        let exists = try last(wb, #"Person.where(vehicles.any(make == "MAN"))"#)
        #expect(refs(exists) == ["Person#1"])
        runAll(wb, ":forget")
        let eager = try last(wb, "Person.include(vehicles)")
        expectOK(eager)
        #expect(eager.sql.count == 2)
    }
}

@Suite struct InheritanceDiagnosticTests {
    @Test(arguments: [
        ("entity Vehicle inheritance(singel) { make: String }", "unknown inheritance strategy 'singel'", 1, 28),
        ("entity Car : Vehicle inheritance(joined) { doors: Int }", "inheritance(...) goes on the root of a hierarchy, not on a subclass: Car inherits Vehicle's strategy", 1, 22),
        ("entity Van : Vehicle { make: Int }", "Van redeclares 'make' as Int; Vehicle declares it String", 1, 30),
        ("entity Boat : Ship { keel: Double }", "Ship is not defined", 1, 15),
        ("entity Vehicle : Car { make: String }", "inheritance cycle: Vehicle : Car : Vehicle", 1, 18),
        ("entity Loop : Loop { x: Int }", "inheritance cycle: Loop : Loop", 1, 15),
        ("entity Sub : Plain { y: Int }", "Plain declares no inheritance strategy, so Sub cannot inherit from it", 1, 14),
        ("entity Van : Vehicle { type: String }", "'type' is the discriminator column of a single hierarchy", 1, 24),
    ])
    func badHierarchiesAreDiagnosedAndCreateNothing(input: String, message: String, line: Int, column: Int) throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Plain { x: Int }
        entity Vehicle inheritance(single) { make: String; wheels: Int }
        entity Car : Vehicle { doors: Int }
        """)
        let before = wb.session.schema
        let r = try #require(wb.run(input).first)
        #expect(!r.ok)
        #expect(r.diagnostics.first?.message == message)
        #expect(r.diagnostics.first?.line == line)
        #expect(r.diagnostics.first?.column == column)
        #expect(r.diagnostics.first?.hint != nil)
        #expect(wb.session.schema == before)
        // The session goes on.
        expectOK(try last(wb, "Vehicle.count"))
    }

    @Test func theSameDefinitionAgainIsNoChange() throws {
        let wb = try Workbench()
        runAll(wb, "entity Vehicle inheritance(joined) { make: String }\nentity Car : Vehicle { doors: Int }")
        let again = try last(wb, "entity Car : Vehicle {\n  doors: Int\n}")
        expectOK(again)
        #expect(dataSQL(again).isEmpty)
    }

    @Test func severalLevels() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Vehicle inheritance(joined) { make: String }
        entity Car : Vehicle { doors: Int }
        entity SportsCar : Car { turbo: Bool }
        insert SportsCar(make: "Porsche", doors: 2, turbo: true)
        save
        :forget
        """)
        let cars = try last(wb, "Car.all")
        #expect(refs(cars) == ["SportsCar#1"])
        #expect(dataSQL(cars) == [#"SELECT "car".* FROM (SELECT "vehicle"."id", "vehicle"."type", "vehicle"."make", "car"."doors", "sports_car"."turbo" FROM "car" JOIN "vehicle" ON "vehicle"."id" = "car"."id" LEFT JOIN "sports_car" ON "sports_car"."id" = "car"."id") AS "car""#])
        #expect(value(cars.objects[0], "turbo") == .bool(true))
    }
}

@Suite struct InheritanceStrategyChangeTests {
    private let hierarchy = """
    entity Vehicle inheritance(single) { make: String; wheels: Int }
    entity Car : Vehicle { doors: Int }
    entity Truck : Vehicle { payload: Double }
    entity SportsCar : Car { turbo: Bool }
    insert Vehicle(make: "Bike", wheels: 2)
    insert Car(make: "VW", wheels: 4, doors: 5)
    insert Truck(make: "MAN", wheels: 6, payload: 7.5)
    insert SportsCar(make: "P", wheels: 4, doors: 2, turbo: true)
    save
    """

    @Test func singleToJoinedAndBackMovesEveryRowAndLosesNothing() throws {
        let wb = try Workbench()
        runAll(wb, hierarchy)
        let toJoined = try last(wb, "entity Vehicle inheritance(joined) { make: String; wheels: Int }")
        expectOK(toJoined)
        #expect(dataSQL(toJoined).contains(#"INSERT INTO "car" ("id", "doors") SELECT "id", "doors" FROM "vehicle" WHERE "type" IN ('Car', 'SportsCar')"#))
        #expect(dataSQL(toJoined).contains(#"ALTER TABLE "vehicle" DROP COLUMN "doors""#))
        #expect(sqlTexts(toJoined).first == "BEGIN" && sqlTexts(toJoined).last == "COMMIT")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM car") == "2")
        #expect(try scalar(wb, "SELECT turbo FROM sports_car WHERE id = 4") == "1")
        runAll(wb, ":forget")
        let all = try last(wb, "Vehicle.all.order(id)")
        #expect(refs(all) == ["Vehicle#1", "Car#2", "Truck#3", "SportsCar#4"])
        #expect(value(all.objects[3], "doors") == .integer(2))
        let toSingle = try last(wb, "entity Vehicle inheritance(single) { make: String; wheels: Int }")
        expectOK(toSingle)
        #expect(dataSQL(toSingle).contains(#"UPDATE "vehicle" SET "doors" = (SELECT "car"."doors" FROM "car" WHERE "car"."id" = "vehicle"."id") WHERE "id" IN (SELECT "id" FROM "car")"#))
        #expect(try scalar(wb, "SELECT payload FROM vehicle WHERE id = 3") == "7.5")
        runAll(wb, ":forget")
        let again = try last(wb, "Car.all.order(id)")
        #expect(refs(again) == ["Car#2", "SportsCar#4"])
        #expect(value(again.objects[1], "turbo") == .bool(true))
    }

    @Test func toOrFromConcreteIsRefusedAndChangesNothing() throws {
        let wb = try Workbench()
        runAll(wb, hierarchy)
        let before = wb.session.schema
        let r = try #require(wb.run("entity Vehicle inheritance(concrete) { make: String; wheels: Int }").first)
        #expect(!r.ok)
        #expect(r.diagnostics.first?.message.hasPrefix("changing Vehicle's inheritance from single to concrete is not supported") == true)
        #expect(r.diagnostics.first?.column == 16)
        #expect(wb.session.schema == before)
        #expect(try scalar(wb, "SELECT COUNT(*) FROM vehicle") == "4")
    }
}

@Suite struct InheritanceFileDatabaseTests {
    @Test func aFileDatabaseReopensWithItsHierarchyAfterAChangeOfStrategy() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("vehicles.sqlite").path
            do {
                let wb = try Workbench(databasePath: path)
                runAll(wb, """
                entity Vehicle inheritance(single) { make: String }
                entity Car : Vehicle { doors: Int }
                insert Car(make: "VW", doors: 5)
                save
                entity Vehicle inheritance(joined) { make: String }
                """)
            }
            let reopened = try Workbench(databasePath: path)
            #expect(reopened.session.schema.hierarchy["Car"]?.strategy == .joined)
            let all = try last(reopened, "Vehicle.all")
            #expect(all.objects.map(\.ref) == ["Car#1"])
            #expect(value(all.objects[0], "doors") == .integer(5))
        }
    }
}

@Suite struct InheritanceBulkTests {
    @Test func bulkStatementsOnAHierarchyClassAreRefusedAndWriteNothing() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Vehicle inheritance(single) { make: String }
        entity Car : Vehicle { doors: Int }
        entity Truck : Vehicle { payload: Double }
        insert Car(make: "VW", doors: 5)
        insert Truck(make: "MAN", payload: 1)
        save
        """)
        let update = try #require(wb.run(#"Car.update(make: "x")"#).first)
        #expect(!update.ok)
        #expect(update.diagnostics.first?.message.hasPrefix("a bulk update(...) on Car, a class of an inheritance hierarchy, is not available") == true)
        #expect(dataSQL(update).isEmpty)
        #expect(try scalar(wb, "SELECT COUNT(*) FROM vehicle WHERE make = 'x'") == "0")
        let delete = try #require(wb.run("Car.all.delete()").first)
        #expect(!delete.ok)
        #expect(try scalar(wb, "SELECT COUNT(*) FROM vehicle") == "2")
    }
}

/// A subclass's Mapping pane states the table's real DEFAULT of the discriminator (the root's
/// name, as the CREATE TABLE says), and the value this class's rows get; it used to claim
/// DEFAULT 'Car', which no table has.
@Test func aSubclassShowsTheDiscriminatorDefaultTheTableHas() throws {
    for strategy in ["single", "joined"] {
        let wb = try Workbench()
        let reports = runAll(wb, "entity Vehicle inheritance(\(strategy)) { name: String }\nentity Car : Vehicle { doors: Int }")
        #expect(dataSQL(reports[0]).first?.contains(#""type" TEXT NOT NULL DEFAULT 'Vehicle'"#) == true)
        let car = try #require(reports[1].mapping.first { $0.entity == "Car" })
        #expect(car.columns.first { $0.column == "type" }?.constraints == ["NOT NULL", "DEFAULT 'Vehicle'", "('Car' in Car's rows)"])
    }
}

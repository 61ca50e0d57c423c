-- The Chinook-style fixture (chinook-style.sql) as PostgreSQL DDL: double-quoted PascalCase
-- names, VARCHAR, NUMERIC(10,2) money, TIMESTAMP, a composite-key join table, a self-reference,
-- explicit indexes and a view. Written for ORMLab's tests; the data is invented.
CREATE TABLE "Artist" (
    "ArtistId" INTEGER NOT NULL,
    "Name" VARCHAR(120),
    CONSTRAINT "PK_Artist" PRIMARY KEY ("ArtistId")
);
CREATE TABLE "Album" (
    "AlbumId" INTEGER NOT NULL,
    "Title" VARCHAR(160) NOT NULL,
    "ArtistId" INTEGER NOT NULL,
    CONSTRAINT "PK_Album" PRIMARY KEY ("AlbumId"),
    CONSTRAINT "FK_AlbumArtistId" FOREIGN KEY ("ArtistId") REFERENCES "Artist" ("ArtistId")
);
CREATE TABLE "Track" (
    "TrackId" INTEGER NOT NULL,
    "Name" VARCHAR(200) NOT NULL,
    "AlbumId" INTEGER,
    "Milliseconds" INTEGER NOT NULL,
    "UnitPrice" NUMERIC(10,2) NOT NULL,
    CONSTRAINT "PK_Track" PRIMARY KEY ("TrackId"),
    CONSTRAINT "FK_TrackAlbumId" FOREIGN KEY ("AlbumId") REFERENCES "Album" ("AlbumId")
);
CREATE TABLE "Playlist" (
    "PlaylistId" INTEGER NOT NULL,
    "Name" VARCHAR(120),
    CONSTRAINT "PK_Playlist" PRIMARY KEY ("PlaylistId")
);
CREATE TABLE "PlaylistTrack" (
    "PlaylistId" INTEGER NOT NULL,
    "TrackId" INTEGER NOT NULL,
    CONSTRAINT "PK_PlaylistTrack" PRIMARY KEY ("PlaylistId", "TrackId"),
    CONSTRAINT "FK_PlaylistTrackPlaylistId" FOREIGN KEY ("PlaylistId") REFERENCES "Playlist" ("PlaylistId"),
    CONSTRAINT "FK_PlaylistTrackTrackId" FOREIGN KEY ("TrackId") REFERENCES "Track" ("TrackId")
);
CREATE TABLE "Employee" (
    "EmployeeId" INTEGER NOT NULL,
    "LastName" VARCHAR(20) NOT NULL,
    "FirstName" VARCHAR(20) NOT NULL,
    "ReportsTo" INTEGER,
    "HireDate" TIMESTAMP,
    CONSTRAINT "PK_Employee" PRIMARY KEY ("EmployeeId"),
    CONSTRAINT "FK_EmployeeReportsTo" FOREIGN KEY ("ReportsTo") REFERENCES "Employee" ("EmployeeId")
);
CREATE TABLE "Customer" (
    "CustomerId" INTEGER NOT NULL,
    "FirstName" VARCHAR(40) NOT NULL,
    "LastName" VARCHAR(20) NOT NULL,
    "Email" VARCHAR(60) NOT NULL UNIQUE,
    "SupportRepId" INTEGER,
    CONSTRAINT "PK_Customer" PRIMARY KEY ("CustomerId"),
    CONSTRAINT "FK_CustomerSupportRepId" FOREIGN KEY ("SupportRepId") REFERENCES "Employee" ("EmployeeId") ON DELETE SET NULL
);
CREATE TABLE "Invoice" (
    "InvoiceId" INTEGER NOT NULL,
    "CustomerId" INTEGER NOT NULL,
    "InvoiceDate" TIMESTAMP NOT NULL,
    "Total" NUMERIC(10,2) NOT NULL,
    CONSTRAINT "PK_Invoice" PRIMARY KEY ("InvoiceId"),
    CONSTRAINT "FK_InvoiceCustomerId" FOREIGN KEY ("CustomerId") REFERENCES "Customer" ("CustomerId") ON DELETE CASCADE
);
CREATE INDEX "IFK_AlbumArtistId" ON "Album" ("ArtistId");
CREATE INDEX "IFK_TrackAlbumId" ON "Track" ("AlbumId");
CREATE INDEX "IFK_CustomerSupportRepId" ON "Customer" ("SupportRepId");
CREATE VIEW "AlbumTrackCount" AS SELECT a."Title", COUNT(t."TrackId") AS "Tracks" FROM "Album" a LEFT JOIN "Track" t ON t."AlbumId" = a."AlbumId" GROUP BY a."AlbumId", a."Title";

INSERT INTO "Artist" VALUES (1, 'AC/DC'), (2, 'Accept'), (3, 'Aerosmith');
INSERT INTO "Album" VALUES (1, 'For Those About To Rock', 1), (2, 'Balls to the Wall', 2), (3, 'Restless and Wild', 2), (4, 'Let There Be Rock', 1);
INSERT INTO "Track" VALUES
    (1, 'For Those About To Rock', 1, 343719, 0.99),
    (2, 'Put The Finger On You', 1, 205662, 0.99),
    (3, 'Balls to the Wall', 2, 342562, 0.99),
    (4, 'Fast As a Shark', 3, 230619, 1.99),
    (5, 'Go Down', 4, 331180, 0.99),
    (6, 'Whole Lotta Rosie', 4, 323761, 1.29);
INSERT INTO "Playlist" VALUES (1, 'Music'), (2, 'Heavy');
INSERT INTO "PlaylistTrack" VALUES (1, 1), (1, 3), (1, 5), (2, 4), (2, 6);
INSERT INTO "Employee" VALUES (1, 'Adams', 'Andrew', NULL, '2002-08-14 00:00:00'), (2, 'Edwards', 'Nancy', 1, '2002-05-01 00:00:00'), (3, 'Peacock', 'Jane', 2, '2002-04-01 00:00:00');
INSERT INTO "Customer" VALUES (1, 'Luís', 'Gonçalves', 'luisg@embraer.com.br', 3), (2, 'Leonie', 'Köhler', 'leonekohler@surfeu.de', 3), (3, 'François', 'Tremblay', 'ftremblay@gmail.com', NULL);
INSERT INTO "Invoice" VALUES (1, 1, '2009-01-01 00:00:00', 1.98), (2, 1, '2009-02-11 00:00:00', 3.96), (3, 2, '2009-01-02 00:00:00', 0.10), (4, 2, '2009-03-04 00:00:00', 0.20);

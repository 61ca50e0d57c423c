-- A small database in the style of the Chinook sample (PascalCase tables, XxxId keys,
-- bracket-quoted DDL, NVARCHAR, NUMERIC(10,2) money, a composite-key join table, a
-- self-reference, a view). Written for ORMLab's tests; the data is invented.
CREATE TABLE [Artist]
(
    [ArtistId] INTEGER NOT NULL,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_Artist] PRIMARY KEY ([ArtistId])
);
CREATE TABLE [Album]
(
    [AlbumId] INTEGER NOT NULL,
    [Title] NVARCHAR(160) NOT NULL,
    [ArtistId] INTEGER NOT NULL,
    CONSTRAINT [PK_Album] PRIMARY KEY ([AlbumId]),
    FOREIGN KEY ([ArtistId]) REFERENCES [Artist] ([ArtistId]) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE TABLE [Track]
(
    [TrackId] INTEGER NOT NULL,
    [Name] NVARCHAR(200) NOT NULL,
    [AlbumId] INTEGER,
    [Milliseconds] INTEGER NOT NULL,
    [UnitPrice] NUMERIC(10,2) NOT NULL,
    CONSTRAINT [PK_Track] PRIMARY KEY ([TrackId]),
    FOREIGN KEY ([AlbumId]) REFERENCES [Album] ([AlbumId]) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE TABLE [Playlist]
(
    [PlaylistId] INTEGER NOT NULL,
    [Name] NVARCHAR(120),
    CONSTRAINT [PK_Playlist] PRIMARY KEY ([PlaylistId])
);
CREATE TABLE [PlaylistTrack]
(
    [PlaylistId] INTEGER NOT NULL,
    [TrackId] INTEGER NOT NULL,
    CONSTRAINT [PK_PlaylistTrack] PRIMARY KEY ([PlaylistId], [TrackId]),
    FOREIGN KEY ([PlaylistId]) REFERENCES [Playlist] ([PlaylistId]) ON DELETE NO ACTION ON UPDATE NO ACTION,
    FOREIGN KEY ([TrackId]) REFERENCES [Track] ([TrackId]) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE TABLE [Employee]
(
    [EmployeeId] INTEGER NOT NULL,
    [LastName] NVARCHAR(20) NOT NULL,
    [FirstName] NVARCHAR(20) NOT NULL,
    [ReportsTo] INTEGER,
    [HireDate] DATETIME,
    CONSTRAINT [PK_Employee] PRIMARY KEY ([EmployeeId]),
    FOREIGN KEY ([ReportsTo]) REFERENCES [Employee] ([EmployeeId]) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE TABLE [Customer]
(
    [CustomerId] INTEGER NOT NULL,
    [FirstName] NVARCHAR(40) NOT NULL,
    [LastName] NVARCHAR(20) NOT NULL,
    [Email] NVARCHAR(60) NOT NULL,
    [SupportRepId] INTEGER,
    CONSTRAINT [PK_Customer] PRIMARY KEY ([CustomerId]),
    FOREIGN KEY ([SupportRepId]) REFERENCES [Employee] ([EmployeeId]) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE TABLE [Invoice]
(
    [InvoiceId] INTEGER NOT NULL,
    [CustomerId] INTEGER NOT NULL,
    [InvoiceDate] DATETIME NOT NULL,
    [Total] NUMERIC(10,2) NOT NULL,
    CONSTRAINT [PK_Invoice] PRIMARY KEY ([InvoiceId]),
    FOREIGN KEY ([CustomerId]) REFERENCES [Customer] ([CustomerId]) ON DELETE NO ACTION ON UPDATE NO ACTION
);
CREATE INDEX [IFK_AlbumArtistId] ON [Album] ([ArtistId]);
CREATE INDEX [IFK_TrackAlbumId] ON [Track] ([AlbumId]);
CREATE INDEX [IFK_CustomerSupportRepId] ON [Customer] ([SupportRepId]);
CREATE VIEW [AlbumTrackCount] AS SELECT a.[Title], COUNT(t.[TrackId]) AS [Tracks] FROM [Album] a LEFT JOIN [Track] t ON t.[AlbumId] = a.[AlbumId] GROUP BY a.[AlbumId];

INSERT INTO [Artist] VALUES (1, 'AC/DC'), (2, 'Accept'), (3, 'Aerosmith');
INSERT INTO [Album] VALUES (1, 'For Those About To Rock', 1), (2, 'Balls to the Wall', 2), (3, 'Restless and Wild', 2), (4, 'Let There Be Rock', 1);
INSERT INTO [Track] VALUES
    (1, 'For Those About To Rock', 1, 343719, 0.99),
    (2, 'Put The Finger On You', 1, 205662, 0.99),
    (3, 'Balls to the Wall', 2, 342562, 0.99),
    (4, 'Fast As a Shark', 3, 230619, 1.99),
    (5, 'Go Down', 4, 331180, 0.99),
    (6, 'Whole Lotta Rosie', 4, 323761, 1.29);
INSERT INTO [Playlist] VALUES (1, 'Music'), (2, 'Heavy');
INSERT INTO [PlaylistTrack] VALUES (1, 1), (1, 3), (1, 5), (2, 4), (2, 6);
INSERT INTO [Employee] VALUES (1, 'Adams', 'Andrew', NULL, '2002-08-14 00:00:00'), (2, 'Edwards', 'Nancy', 1, '2002-05-01 00:00:00'), (3, 'Peacock', 'Jane', 2, '2002-04-01 00:00:00');
INSERT INTO [Customer] VALUES (1, 'Luís', 'Gonçalves', 'luisg@embraer.com.br', 3), (2, 'Leonie', 'Köhler', 'leonekohler@surfeu.de', 3), (3, 'François', 'Tremblay', 'ftremblay@gmail.com', NULL);
INSERT INTO [Invoice] VALUES (1, 1, '2009-01-01 00:00:00', 1.98), (2, 1, '2009-02-11 00:00:00', 3.96), (3, 2, '2009-01-02 00:00:00', 0.10), (4, 2, '2009-03-04 00:00:00', 0.20);

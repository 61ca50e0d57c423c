// Placeholder until the SQLiteKit layer lands.

// Placeholder until the SQLBuilder layer lands.

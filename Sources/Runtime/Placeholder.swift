// Placeholder until the Runtime layer lands.

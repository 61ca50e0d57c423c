// Placeholder until the Render layer lands.

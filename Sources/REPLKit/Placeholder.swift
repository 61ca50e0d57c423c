// Placeholder until the REPLKit layer lands.

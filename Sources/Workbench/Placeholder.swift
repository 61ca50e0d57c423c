// Placeholder until the Workbench layer lands.

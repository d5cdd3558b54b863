"""Working on a store shared with other desks: connecting, conflicts, live updates."""

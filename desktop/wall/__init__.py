"""The wall display: a full-screen map for the command centre that cycles through view presets."""

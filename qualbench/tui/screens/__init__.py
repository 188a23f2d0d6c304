"""Full screens: one file a screen."""

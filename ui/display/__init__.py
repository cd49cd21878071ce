"""The waiting-room display: a window for a second screen that shows and announces calls."""

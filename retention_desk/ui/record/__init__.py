"""The record detail pane and its tabs."""

"""The operator console: devices and, later, carriers' verification and cases."""

"""Reddit data request exports."""

"""The Requests page: the IPRA request desk (log, clocks, responsive sets, letters, fees)."""

"""The search bar, facets, history, saved searches and the search worker."""

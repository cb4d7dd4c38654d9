"""The Disposal page (issue 11): disposal reports, their approval, destruction and certificate."""

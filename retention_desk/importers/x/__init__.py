"""X (Twitter) archives: the current archive and the classic Grailbird one."""

"""The Oversight page: the policies' oversight duties (account registry, subscriber lists,
required page statements, moderation log and the annual review report)."""

"""Which audit actions only read: the audit page groups them, and anything counted over a list
is kept until the next action that is not one of these (reunite.operations.freshness)."""

# Actions that mean "someone looked at a child's record" (the auditor's "who saw this child").
VIEW_ACTIONS = ("target.view", "child.view", "target.export", "child.export")
# What only reads: these change nothing that a count or a list shows.
READ_ACTIONS = VIEW_ACTIONS + (
    "target.list", "target.search", "export", "report.view", "report.generate", "review.list",
    "document.view", "document.list", "poster.print", "intake.rejects_download", "audit.search",
    "audit.verify",
)

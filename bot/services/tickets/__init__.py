"""Tickets: the paste parser (labels, fields, values, paste), logging (intake, repeats), the
workflow and its actions, history details, deadlines (policy file), lists and search
(queries, indexes, search, similar). `TicketService` composes them; `errors` and
`vocabulary` hold the refusals and the trade's words that are data."""

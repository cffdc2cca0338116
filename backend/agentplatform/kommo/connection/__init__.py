"""A workspace's Kommo account: the stored connection (tokens encrypted) and how to open a client
on it (`service`); how it is made and undone (`connect`, `router`, with the consent's state and
the account hosts in `oauth`) and how an OAuth grant is refreshed (`oauth_tokens`)."""

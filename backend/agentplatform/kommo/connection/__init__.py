"""A workspace's Kommo account: the stored connection (tokens encrypted), how to open a client on
it, and (in `oauth`) how it is made, refreshed and undone."""

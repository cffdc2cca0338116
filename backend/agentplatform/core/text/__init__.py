"""Text helpers every domain may use: sentence splitting, stop words, what PostgreSQL can store."""

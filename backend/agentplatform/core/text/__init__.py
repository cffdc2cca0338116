"""Text helpers every domain may use: sentence splitting and stop words."""

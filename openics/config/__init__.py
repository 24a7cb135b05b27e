"""config: settings, the URL map, the WSGI entry point and the Jinja2 environment."""

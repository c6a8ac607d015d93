"""The coding web app (``dyadlab serve``): see :func:`coding.web.app.create_app`."""

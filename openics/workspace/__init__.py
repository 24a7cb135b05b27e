"""workspace: the staff face. People sign in, and each form calls a context's service as
the signed-in person, after checking their role for the organisation it touches."""

"""Small pieces shared by the apps."""

# The header every page shares.
site-name = Pacta
site-nav = Site
site-negotiations = Negotiations
site-sign-out = Sign out
site-language = Language

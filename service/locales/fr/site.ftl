# L'en-tête de toutes les pages.
site-name = Pacta
site-nav = Site
site-negotiations = Négociations
site-sign-out = Se déconnecter
site-language = Langue

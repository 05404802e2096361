# رأس كل صفحة.
site-name = Pacta
site-nav = الموقع
site-negotiations = المفاوضات
site-sign-out = تسجيل الخروج
site-language = اللغة

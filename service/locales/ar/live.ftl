# Live: the acts others record while a page is open (pages/live.rs, static/live.js).
live-region-label = الإجراءات المسجلة منذ فتح هذه الصفحة
# One act: "Maroc (amina.kone): clause amended — art-2".
live-act = { $party } ({ $actor }): { $event }
live-act-on-clause = { $party } ({ $actor }): { $event } — { $clause }
live-just-now = الآن
live-reload = أعد تحميل الصفحة لرؤيته
live-clause-changed = تغيّر هذا البند منذ تحميل الصفحة؛ سيظهر ما ترسله بالصيغة الجديدة.

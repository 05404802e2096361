# كلمات الصفحات: العناوين وأسماء الأعمدة والحالات والروابط. نصوص السجل (صيغ البنود والأسماء
# والأسباب) لا تُترجم أبدًا.

## مشترك
list-separator = {"، "}
yes = نعم
no = لا
not-yet = ليس بعد
none-dash = —
recorded = سُجّل في
nav-this-negotiation = هذا التفاوض
link-draft = مسودة النص
link-timeline = التسلسل الزمني
link-agreement = الاتفاق
link-redline = المقارنة بين الجولات
link-matrices = مصفوفات الإجراءات
meta-revision = المراجعة { $revision }
meta-round = الجولة { $round }
meta-language = اللغة { $language }
tag-internal-to = داخلي لـ { $party }
copy-button = نسخ
copy-done = تم النسخ

## أنواع الصكوك
kind-treaty = معاهدة
kind-agreement = اتفاق
kind-mou = مذكرة تفاهم
kind-exchange-of-notes = تبادل مذكرات

## وضع الصك
instrument-negotiating = قيد التفاوض
instrument-text-adopted = اعتُمد النص
instrument-authenticated = وُثّق النص
instrument-in-force = نافذ منذ { $on }
instrument-takes-effect = يسري مفعوله في { $on }
instrument-abandoned = تم التخلي عنه

## وضع البند
clause-status-proposed = مقترح
clause-status-under-discussion = قيد المناقشة
clause-status-bracketed = بين معقوفين
clause-status-agreed-ad-referendum = متفق عليه بشرط الاستشارة
clause-status-agreed = متفق عليه
clause-status-withdrawn = مسحوب
clause-count-proposed = مقترحة: { $count }
clause-count-under-discussion = قيد المناقشة: { $count }
clause-count-bracketed = بين معقوفين: { $count }
clause-count-agreed-ad-referendum = متفق عليها بشرط الاستشارة: { $count }
clause-count-agreed = متفق عليها: { $count }
clause-count-withdrawn = مسحوبة: { $count }
clause-counts = { $total ->
    [zero] لا بنود
    [one] بند واحد
    [two] بندان
    [few] { $total } بنود
   *[other] { $total } بندًا
  }: { $counts }
clause-counts-none = لا بنود بعد

## أنواع البنود
clause-kind-recital = فقرة ديباجة
clause-kind-article = مادة
clause-kind-annex = مرفق
clause-kind-final-clause = حكم ختامي
clause-kind-part = جزء
clause-kind-chapter = فصل
clause-kind-section = قسم

## الصيغ اللغوية للبند
language-status-reference = النص المرجعي
language-status-missing = غير موجودة
language-status-stale = تحتاج إلى تحديث
language-status-awaiting-concordance = بانتظار التحقق من التطابق
language-status-concordant = مطابقة

## المواقف
position-accept = يقبل
position-reject = يرفض
position-reserve = يتحفظ على موقفه
position-alternative = يفضّل الصيغة البديلة { $label }

## مصدر الصيغة
version-proposed = مقترحة
version-amended = معدّلة
version-alternative-proposed = صيغة بديلة مقترحة
version-alternative-chosen = صيغة بديلة مختارة
version-translated = مترجمة
version-corrected = مصحّحة
version-revision-opened = فتح مراجعة
version-revision-abandoned = التخلي عن مراجعة

## نتيجة المقارنة
change-added = مضاف
change-removed = محذوف
change-changed = معدّل
change-unchanged = دون تغيير

## الصفات
role-negotiator = مفاوض
role-head-of-delegation = رئيس الوفد
role-legal-linguist = مدقق لغوي قانوني
role-signatory = موقّع
role-competent-authority = السلطة المختصة
role-secretariat = الأمانة
role-observer = مراقب
role-auditor = مدقق

## التوقيعات والأطراف
capacity-simple = توقيع بسيط
capacity-definitive = توقيع نهائي
capacity-ad-referendum = توقيع بشرط الاستشارة
party-kind-state = دولة
party-kind-organisation = منظمة دولية

## تقدم السطر
progress-not-started = لم يبدأ
progress-on-track = يسير وفق المخطط
progress-delayed = متأخر
progress-completed = مكتمل

## الأعمدة
col-number = الرقم
col-negotiation = التفاوض
col-kind = النوع
col-status = الوضع
col-clauses = البنود
col-last-activity = آخر نشاط
col-views = العروض
col-when = التاريخ
col-who = من
col-round = الجولة
col-what = الإجراء
col-why = السبب
col-hash = البصمة
col-chain = السلسلة
col-party = الطرف
col-adopted = اعتمد النص
col-signature = التوقيع
col-consent = الموافقة
col-consent-to-be-bound = الموافقة على الالتزام
col-revision = المراجعة
col-text-root = بصمة النص
col-in-force-from = نافذ من
col-in-force-until = نافذ حتى
col-in-effect-from = ساري المفعول من
col-in-effect-until = ساري المفعول حتى
col-row = السطر
col-objective = الهدف
col-action = الإجراء
col-responsible = الطرف المسؤول
col-agency = الجهة
col-period = الفترة
col-indicator = المؤشر
col-agreed-by = وافق عليه
col-progress = التقدم
col-note = ملاحظة

## مفاوضاتك
index-title = المفاوضات
index-heading = مفاوضاتك
index-signed-in-as = تم تسجيل الدخول باسم { $person }.
index-none = لست معتمدًا في أي تفاوض بعد.
index-awaiting-you = بانتظار قبولك
index-awaiting = بانتظار قبول { $parties }
index-last-event = الحدث رقم { $sequence }
index-timeline = التسلسل الزمني
index-agreement = الاتفاق

## مسودة النص
draft-meta-as-of = حتى الحدث رقم { $sequence }
draft-meta-parties = الأطراف: { $parties }
draft-meta-reader = تقرأ بصفتك { $person } عن { $party }
draft-at-note = هذه هي المسودة كما كانت عند { $at }.
draft-see-now = عرض المسودة الحالية.
draft-at-label = المسودة عند نقطة معينة
draft-show = عرض
draft-downloads = تنزيل النص
draft-clauses = البنود
draft-warning = تنبيه: { $warning }
draft-status = الوضع:
draft-agreed-by = وافق عليه { $parties }
draft-clause-history = سجل هذا البند
draft-no-version = لا توجد صيغة بهذه اللغة بعد.
draft-alternatives = الصيغ البديلة بين معقوفين
draft-proposed-by = اقترحها { $party }
draft-positions = المواقف

## سجل البند
history-title = سجل البند { $clause }
history-counts = عدد الصيغ: { $wordings } · عدد الإجراءات: { $acts }
history-wordings = الصيغ
history-by = من { $actor } عن { $party }
history-wording-of = صيغة { $party }
history-why = السبب: { $why }
history-acts = الإجراءات المتعلقة بهذا البند

## المقارنة
redline-title = مقارنة النصوص
redline-from = من
redline-to = إلى
redline-compare = قارن
redline-language = اللغة
redline-language-reference = اللغة المرجعية لكل بند
redline-help = النقطة هي رقم حدث (42) أو تاريخ (2026-03-05) أو round:ID (جولة) أو revision:N (مراجعة).
redline-rounds = الجولات: { $rounds }.
redline-point = الحدث رقم { $sequence } (المراجعة { $revision }، { $time })
redline-summary = من { $from } إلى { $to }: تغيّر { $changed } من أصل { $total } من البنود.
redline-author = رقم { $sequence } { $event } من { $actor } عن { $party } (صيغة { $proposer })

## التسلسل الزمني
timeline-title = التسلسل الزمني
chain-verified-tag = تم التحقق
chain-broken-tag = منقطعة
chain-verified = تم التحقق من سلسلة البصمات: جميع الأحداث ({ $count }) كما سُجّلت.
chain-broken = تنقطع سلسلة البصمات عند الحدث رقم { $at }: { $problem }. لا يمكن ضمان إلا الأحداث الأولى ({ $count }).
timeline-filters = تصفية الأحداث
filter-party = الطرف
filter-clause = البند
filter-round = الجولة
filter-since = من (YYYY-MM-DD)
filter-until = حتى (YYYY-MM-DD)
filter-any = الكل
filter-apply = تصفية
filter-clear = عرض جميع الأحداث
timeline-page = الأحداث من { $first } إلى { $last } من أصل { $total }، من الأقدم إلى الأحدث.
timeline-earlier = الأحداث السابقة
timeline-later = الأحداث اللاحقة
timeline-none = لا يوجد حدث يطابق عوامل التصفية هذه.
timeline-bad-date = «{ $value }» ليس تاريخًا (YYYY-MM-DD).
timeline-bad-page = «{ $value }» ليست صفحة من هذا التسلسل الزمني (من 1 إلى { $pages }).

## الاتفاق
agreement-title = الاتفاق: { $title }
agreement-status = الوضع
agreement-legal-effect = الأثر القانوني
agreement-registration = التسجيل
agreement-revision = المراجعة
agreement-text-root = بصمة النص
agreement-takes-effect = سريان المفعول
agreement-entry-into-force = بدء النفاذ
agreement-takes-effect-rule = يسري مفعوله وفق قاعدته
agreement-enters-into-force-rule = يبدأ نفاذه
agreement-exchange-of-notes = تبادل المذكرات
agreement-suspended = معلّق
agreement-suspended-by = من قبل { $party } منذ { $since }
agreement-terminates-on = ينتهي في
agreement-parties = الأطراف
agreement-in-force-parties = النص النافذ: المراجعة { $revision }
agreement-in-effect-parties = النص الساري: المراجعة { $revision }
agreement-in-force-note = التوقيعات والموافقات التي جعلت هذا النص نافذًا. يظل نافذًا أثناء التفاوض على المراجعة { $revision }.
agreement-in-effect-note = التوقيعات التي جعلت هذا النص ساريًا. يظل ساريًا أثناء التفاوض على المراجعة { $revision }.
agreement-revision-parties = المراجعة { $revision } قيد التفاوض: { $status }
agreement-revision-note = اعتماد النص الخاص بالمراجعة وتوقيعاته والموافقات عليه، وبصمته
agreement-revisions = المراجعات
agreement-signed-on = في { $date }
agreement-confirmed = تم التأكيد في { $date }
agreement-not-signed = لم يوقّع
agreement-no-consent-non-binding = لا شيء: غير ملزم
agreement-applied-provisionally = يطبّق مؤقتًا منذ { $date }

## مصفوفات الإجراءات
matrices-title = مصفوفات الإجراءات
matrices-none = لا توجد مصفوفة إجراءات في هذا التفاوض بعد.
matrix-validated = تمت المصادقة عليها في الجولة { $round }.
matrix-not-validated = لم تتم المصادقة عليها بعد.
matrix-rows = عدد الأسطر: { $count }، منها { $agreed } وافقت عليها جميع الأطراف.
matrix-indicator = { $name } ({ $unit }): من { $baseline } إلى { $target }
matrix-period = من { $starts } إلى { $ends }
matrix-agreed-by-none = لا أحد من الأطراف بعد
matrix-reports = تقارير التقدم
matrix-no-reports = لم يُبلّغ عن أي تقدم بعد.

## تسجيل الدخول
sign-in-title = تسجيل الدخول
sign-in-help = الصق الرمز الذي أصدرته لك أمانتك:
sign-in-token = الرمز
sign-in-button = تسجيل الدخول
sign-in-unknown-token = هذا الرمز غير معروف أو تم إلغاؤه؛ اطلب رمزًا جديدًا.

## صفحات الأخطاء
error-title = خطأ { $status }
error-400 = طلب غير صحيح
error-401 = لم يتم تسجيل الدخول
error-403 = غير مسموح
error-404 = غير موجود
error-409 = تعارض
error-413 = كبير جدًا
error-422 = لا يمكن تنفيذه
error-429 = طلبات كثيرة جدًا
error-500 = خطأ داخلي
error-503 = الخدمة غير متاحة
error-code = الرمز:
error-back = العودة إلى مفاوضاتك

"""The workspace's URLs: signing in and out at the top level, everything else under
/workspace/<organisation code>/."""

from django.urls import include, path

from openics.workspace.views import (
    arranging,
    auth,
    boards,
    books,
    home,
    interests,
    meetings,
    plans,
    uploads,
)

meeting_urls = [
    path("", meetings.meeting, name="meeting"),
    path("attendance/", meetings.attendance, name="attendance"),
    path("items/new/", meetings.add_item, name="add-item"),
    path("items/<str:number>/", meetings.item, name="item"),
    path("items/<str:number>/not-taken/", meetings.not_taken, name="not-taken"),
    path("items/<str:number>/call-in/", meetings.intervene, name="intervene"),
    path("publish/", meetings.publish, name="publish"),
]

books_urls = [
    path("", books.dashboard, name="books"),
    path("transfer/", books.transfer, name="transfer"),
    path("commit/", books.commit, name="commit"),
    path("invoices/approve/", books.approve_invoice, name="approve-invoice"),
    path("pay/", books.pay, name="pay"),
    path("pay-month/", books.pay_month, name="pay-month"),
    path("transactions/<str:number>/reverse/", books.reverse_transaction, name="reverse"),
    path("runs/<uuid:run>/approve/", books.approve_run, name="approve-run"),
    path("runs/<uuid:run>/delegate/", books.delegate_run, name="delegate-run"),
]
upload_urls = [
    path("", uploads.uploads, name="uploads"),
    path("new/", uploads.new_upload, name="new-upload"),
    path("<uuid:upload>/", uploads.upload, name="upload"),
    path("<uuid:upload>/progress.json", uploads.progress, name="upload-progress"),
    path("<uuid:upload>/confirm/", uploads.confirm, name="confirm-upload"),
]
decision_urls = [
    path("", arranging.decision, name="decision"),
    path("intention/", arranging.publish_intention, name="intention"),
    path("representations/", arranging.receive_representation, name="representation"),
    path("review/", arranging.review, name="review"),
    path("award/", arranging.award, name="award"),
    path("award-notice/", arranging.publish_award_notice, name="award-notice"),
    path("abandon/", arranging.abandon, name="abandon"),
    path("modify/", arranging.modify, name="modify"),
    path(
        "modifications/<str:modification>/notice/",
        arranging.publish_modification_notice,
        name="modification-notice",
    ),
]
arranging_urls = [
    path("", arranging.decisions, name="decisions"),
    path("choose/", arranging.choose, name="choose"),
    path("decide/", arranging.decide, name="decide"),
    path("decisions/<str:reference>/", include(decision_urls)),
]

organisation_urls = [
    path("", home.organisation_home, name="organisation"),
    path("interests/", interests.my_interests, name="my-interests"),
    path("interests/declare/", interests.declare, name="declare"),
    path("interests/nil-return/", interests.nil_return, name="nil-return"),
    path("interests/gift/", interests.record_gift, name="gift"),
    path("interests/due/", interests.due, name="due"),
    path("interests/due.csv", interests.due_csv, name="due-csv"),
    path("boards/<slug:slug>/", boards.board, name="board"),
    path("boards/<slug:slug>/appoint/", boards.appoint, name="appoint"),
    path("boards/<slug:slug>/end-term/<uuid:membership>/", boards.end_term, name="end-term"),
    path("boards/<slug:slug>/meetings/new/", boards.schedule_meeting, name="new-meeting"),
    path("meetings/<slug:reference>/", include(meeting_urls)),
    path("books/", include(books_urls)),
    path("uploads/", include(upload_urls)),
    path("plans/", plans.plans, name="plans"),
    path("plans/regard/", plans.record_regard, name="record-regard"),
    path("plans/<str:reference>/aims/new/", plans.add_aim, name="add-aim"),
    path("capital/schemes/new/", plans.plan_scheme, name="plan-scheme"),
    path("people/transfers/new/", plans.transfer_staff, name="transfer-staff"),
    path("arranging/", include(arranging_urls)),
]

workspace_urls = (
    [
        path("", home.home, name="home"),
        path("<str:code>/", include(organisation_urls)),
    ],
    "workspace",
)

urlpatterns = [
    path("sign-in/", auth.sign_in, name="sign-in"),
    path("sign-out/", auth.sign_out, name="sign-out"),
    path("oidc/", include("mozilla_django_oidc.urls")),  # 404 unless single sign-on is set up
    path("workspace/", include(workspace_urls)),
]

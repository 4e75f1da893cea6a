from django.urls import path

from datacollab.challenges import views

urlpatterns = [
    path("", views.challenge_list, name="challenge-list"),
    path("new/", views.challenge_new, name="challenge-new"),
    path("judging/", views.judging_home, name="challenge-judging"),
    path("judging/<int:pk>/", views.score, name="challenge-score"),
    path("judging/teams/<int:team_pk>/conflict/", views.conflict, name="challenge-conflict"),
    path("<slug:slug>/", views.challenge_detail, name="challenge-detail"),
    path("<slug:slug>/manage/", views.challenge_manage, name="challenge-manage"),
    path("<slug:slug>/manage/move/", views.challenge_move, name="challenge-move"),
    path("<slug:slug>/manage/criteria/", views.criterion_add, name="challenge-criterion-add"),
    path("<slug:slug>/manage/judges/", views.judge_add, name="challenge-judge-add"),
    path("<slug:slug>/manage/assign/", views.judges_assign, name="challenge-assign"),
    path("<slug:slug>/teams/new/", views.team_new, name="challenge-team-new"),
    path("<slug:slug>/entry/", views.entry, name="challenge-entry"),
    path("<slug:slug>/results/", views.results, name="challenge-results"),
    path("<slug:slug>/submissions/<int:pk>/", views.submission_detail, name="challenge-submission"),
    path(
        "<slug:slug>/submissions/<int:pk>/files/<int:file_pk>/",
        views.submission_file,
        name="challenge-file",
    ),
]

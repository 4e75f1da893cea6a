from django.contrib.auth import views as auth_views
from django.urls import path

from datacollab.organisations.views import auth, diversity, language, members, people

urlpatterns = [
    path("signup/", people.signup, name="signup"),
    path("signup/check-your-mail/", people.signup_done, name="signup-done"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("verify/", auth.verify_email, name="verify-email"),
    path("verify/<str:token>/", auth.verify_email_confirm, name="verify-email-confirm"),
    path("profile/", people.profile, name="profile"),
    path("language/", language.choose_language, name="set-language"),
    path("profile/diversity/", diversity.profile_diversity, name="profile-diversity"),
    path("people/<int:person_id>/", people.person_detail, name="person-detail"),
    path("roles/", members.roles, name="roles"),
    path("roles/<int:grant_id>/revoke/", members.role_revoke, name="role-revoke"),
    path("invitations/<str:token>/", members.invitation_accept, name="invitation-accept"),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        members.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("organisations/new/", people.organisation_create, name="organisation-create"),
    path("organisations/<slug:slug>/", people.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", diversity.organisation_edit, name="organisation-edit"),
    path(
        "organisations/<slug:slug>/members/",
        members.organisation_members,
        name="organisation-members",
    ),
    path(
        "organisations/<slug:slug>/members/<int:member_id>/remove/",
        members.member_remove,
        name="organisation-member-remove",
    ),
    path(
        "organisations/<slug:slug>/members/<int:member_id>/role/",
        members.member_role,
        name="organisation-member-role",
    ),
]

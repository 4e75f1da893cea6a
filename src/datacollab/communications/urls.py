from django.urls import path

from datacollab.communications import views

urlpatterns = [
    path("", views.message_list, name="message-list"),
    path("new/", views.message_create, name="message-create"),
    path("settings/", views.announcement_settings, name="announcement-settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="message-unsubscribe"),
    path("<int:pk>/", views.message_detail, name="message-detail"),
    path("<int:pk>/edit/", views.message_edit, name="message-edit"),
    path("<int:pk>/send/", views.message_send, name="message-send"),
    path("<int:pk>/discard/", views.message_discard, name="message-discard"),
]

from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("<int:run_id>/", views.plan_detail, name="plan"),
    path("<int:run_id>/map", views.plan_map, name="plan_map"),
    path("<int:run_id>/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("compare/", views.plan_compare, name="compare"),
    path("staffing/", views.staffing, name="staffing"),
]

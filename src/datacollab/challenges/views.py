"""Challenge pages: thin, each calls one service or selector and turns DomainError into a 4xx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from datacollab.challenges import forms, rules
from datacollab.challenges import selectors as sel
from datacollab.challenges.models import Challenge, SubmissionFile
from datacollab.challenges.services import judging, lifecycle, teams
from datacollab.core.errors import DomainError, NotAllowed, NotFound
from datacollab.core.private_files import private_file_response
from datacollab.network.file_types import content_type_of
from datacollab.organisations.models import User


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


def _accepting(challenge: Challenge) -> bool:
    """Whether pages offer entry forms: the service's own deadline rule decides."""
    try:
        teams.require_accepting(challenge)
    except DomainError:
        return False
    return True


@require_http_methods(["GET"])
def challenge_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/list.html",
        {
            "challenges": list(sel.visible_challenges(request.user)),
            "can_create": rules.can_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_new(request: HttpRequest) -> HttpResponse:
    if not rules.can_manage(request.user):
        raise NotAllowed(_("Only conveners run challenges."))
    form = forms.ChallengeForm(request.POST or None, initial={"score_min": 1, "score_max": 5})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                challenge = lifecycle.create_challenge(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Draft saved. Add the judging rubric, then open it."))
                return redirect("challenge-manage", slug=challenge.slug)
        else:
            status = 400
    return _form_page(request, "challenges/new.html", {"form": form}, status)


@require_http_methods(["GET"])
def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    team = sel.team_of(request.user, challenge)
    accepting = _accepting(challenge)
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "datasets": list(challenge.datasets.order_by("title")),
            "criteria": list(challenge.criteria.all()),
            "team": team,
            "accepting": accepting,
            "can_manage": rules.can_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET"])
def challenge_manage(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    if not rules.can_manage(request.user):
        raise NotAllowed(_("Only conveners run challenges."))
    return render(
        request,
        "challenges/manage.html",
        {
            "challenge": challenge,
            "moves": [
                (to, Challenge.Status(to).label) for to in lifecycle.allowed_moves(challenge)
            ],
            "criteria": list(challenge.criteria.all()),
            "judges": list(challenge.judges.select_related("user").order_by("user__display_name")),
            "teams": list(challenge.teams.prefetch_related("members").order_by("name")),
            "ranking": sel.ranking(challenge),
            "criterion_form": forms.CriterionForm(),
            "judge_form": forms.JudgeForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_move(request: HttpRequest, slug: str) -> HttpResponse:
    """A move's confirmation page (GET ?to=), then the move itself (POST with confirm): no
    move goes back, so none is one click from the management page."""
    challenge = sel.challenge_for(request.user, slug)
    to = (request.POST if request.method == "POST" else request.GET).get("to", "")
    try:
        preview = lifecycle.move_preview(actor=request.user, challenge=challenge, to=to)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("challenge-manage", slug=challenge.slug)
    context = {"challenge": challenge, "preview": preview}
    if request.method == "GET":
        return render(request, "challenges/move_confirm.html", context)
    if request.POST.get("confirm") != "1":
        context["error"] = _("Confirm on the confirmation page to go ahead.")
        return render(request, "challenges/move_confirm.html", context, status=400)
    try:
        lifecycle.move(actor=request.user, challenge=challenge, to=to)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The challenge moved on."))
    return redirect("challenge-manage", slug=challenge.slug)


@login_required
@require_POST
def criterion_add(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    form = forms.CriterionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the criterion a name and a weight."))
        return redirect("challenge-manage", slug=challenge.slug)
    try:
        lifecycle.add_criterion(actor=request.user, challenge=challenge, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("challenge-manage", slug=challenge.slug)


@login_required
@require_POST
def judge_add(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    form = forms.JudgeForm(request.POST)
    user = (
        User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if form.is_valid()
        else None
    )
    if user is None:
        messages.error(request, _("There is no account with that e-mail address."))
        return redirect("challenge-manage", slug=challenge.slug)
    try:
        judging.invite_judge(actor=request.user, challenge=challenge, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("challenge-manage", slug=challenge.slug)


@login_required
@require_POST
def judges_assign(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    try:
        made = judging.assign_judges(actor=request.user, challenge=challenge)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext("%(n)d assignment made.", "%(n)d assignments made.", made) % {"n": made},
        )
    return redirect("challenge-manage", slug=challenge.slug)


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    form = forms.TeamForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                teams.register_team(
                    actor=request.user,
                    challenge=challenge,
                    name=form.cleaned_data["name"],
                    member_emails=form.cleaned_data["members"],
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Your team is registered. Now submit your entry."))
                return redirect("challenge-entry", slug=challenge.slug)
        else:
            status = 400
    return _form_page(
        request, "challenges/team_form.html", {"challenge": challenge, "form": form}, status
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    team = sel.team_of(request.user, challenge)
    if team is None:
        raise NotFound(_("You are not in a team of this challenge."))
    submission = getattr(team, "submission", None)
    initial: dict[str, Any] = {}
    if submission is not None:
        initial = {
            "title": submission.title,
            "summary": submission.summary,
            "link": submission.link,
            "datasets": list(submission.datasets.all()),
        }
    form = forms.SubmissionForm(
        request.POST or None, request.FILES or None, challenge=challenge, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                values = dict(form.cleaned_data)
                teams.save_submission(
                    actor=request.user, team=team, files=values.pop("attachments"), **values
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Entry saved. You can edit it until the deadline."))
                return redirect("challenge-entry", slug=challenge.slug)
        else:
            status = 400
    return _form_page(
        request,
        "challenges/entry_form.html",
        {
            "challenge": challenge,
            "team": team,
            "submission": submission,
            "form": form,
            "accepting": _accepting(challenge),
        },
        status,
    )


@require_http_methods(["GET"])
def results(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    if challenge.status != Challenge.Status.RESULTS:
        raise NotFound(_("The results of this challenge are not published yet."))
    return render(
        request,
        "challenges/results.html",
        {"challenge": challenge, "ranking": sel.ranking(challenge)},
    )


@require_http_methods(["GET"])
def submission_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    challenge = sel.challenge_for(request.user, slug)
    submission = sel.submission_for(request.user, challenge, pk)
    return render(
        request,
        "challenges/submission.html",
        {"challenge": challenge, "submission": submission},
    )


@require_http_methods(["GET"])
def submission_file(request: HttpRequest, slug: str, pk: int, file_pk: int) -> HttpResponseBase:
    challenge = sel.challenge_for(request.user, slug)
    submission = sel.submission_for(request.user, challenge, pk)
    stored = SubmissionFile.objects.filter(submission=submission, pk=file_pk).first()
    if stored is None:
        raise NotFound(_("There is no such file."))
    return private_file_response(
        stored.file, filename=stored.name, content_type=content_type_of(stored.name)
    )


@login_required
@require_http_methods(["GET"])
def judging_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/judging.html",
        {
            "assignments": list(sel.my_assignments(request.user)),
            "teams": list(sel.teams_to_judge(request.user)),
            "conflict_form": forms.ConflictForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = sel.assignment_for(request.user, pk)
    challenge = assignment.submission.team.challenge
    criteria = list(challenge.criteria.all())
    initial: dict[str, Any] = {f"score_{s.criterion_id}": s.score for s in assignment.scores.all()}
    initial["comment"] = assignment.comment
    form = forms.ScoreForm(
        request.POST or None, challenge=challenge, criteria=criteria, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                judging.score_submission(
                    actor=request.user,
                    assignment_id=assignment.pk,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                status = exc.show_on(form)
            else:
                messages.success(request, _("Scores saved."))
                return redirect("challenge-judging")
        else:
            status = 400
    return _form_page(
        request,
        "challenges/score_form.html",
        {"assignment": assignment, "challenge": challenge, "form": form},
        status,
    )


@login_required
@require_POST
def conflict(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = sel.team_for_judge(request.user, team_pk)
    form = forms.ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why there is a conflict."))
        return redirect("challenge-judging")
    try:
        judging.declare_conflict(actor=request.user, team=team, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Conflict recorded: you will not judge this team."))
    return redirect("challenge-judging")

import pytest
from django.utils import timezone

from datacollab.challenges.models import Challenge, Judge, JudgeAssignment
from datacollab.challenges.selectors import conflict_pairs, ranking
from datacollab.challenges.services import judging
from datacollab.core.errors import Conflict, DomainError, NotAllowed
from tests.challenges.factories_challenges import make_challenge, make_submission, make_team
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db
Status = Challenge.Status


def _judges(challenge, n):
    people = [make_user(roles=["reviewer"]) for _ in range(n)]
    for person in people:
        Judge.objects.create(challenge=challenge, user=person)
    return people


def test_conflicts_cover_team_member_and_same_organisation():
    challenge = make_challenge(status=Status.JUDGING)
    judge_in_team, judge_same_org, _free = _judges(challenge, 3)
    colleague = make_user()
    make_org(members=[judge_same_org, colleague])
    team = make_team(challenge, members=[judge_in_team, colleague])

    pairs = conflict_pairs(challenge)

    assert pairs == {(judge_in_team.pk, team.pk), (judge_same_org.pk, team.pk)}


def test_assign_judges_uses_engine_and_avoids_conflicts(convener):
    challenge = make_challenge(status=Status.JUDGING, judges_per_submission=2)
    a, b, c = _judges(challenge, 3)
    conflicted = make_submission(make_team(challenge, members=[a]))
    others = [make_submission(make_team(challenge)) for _ in range(2)]

    made = judging.assign_judges(actor=convener, challenge=challenge)

    assert made == 6
    assert sorted(
        JudgeAssignment.objects.filter(submission=conflicted).values_list("judge_id", flat=True)
    ) == sorted([b.pk, c.pk])
    loads = sorted(
        JudgeAssignment.objects.filter(judge__in=[a, b, c])
        .values_list("judge_id", flat=True)
        .order_by()
    )
    assert sorted(loads.count(j.pk) for j in (a, b, c)) == [2, 2, 2]
    assert len(others) == 2


def test_assign_judges_rerun_only_fills_gaps(convener):
    challenge = make_challenge(status=Status.JUDGING, judges_per_submission=1)
    _judges(challenge, 2)
    make_submission(make_team(challenge))
    judging.assign_judges(actor=convener, challenge=challenge)

    made = judging.assign_judges(actor=convener, challenge=challenge)

    assert (made, JudgeAssignment.objects.count()) == (0, 1)


def test_assign_judges_refuses_too_few_free_judges(convener):
    challenge = make_challenge(status=Status.JUDGING, judges_per_submission=2)
    _judges(challenge, 1)
    make_submission(make_team(challenge))

    with pytest.raises(DomainError):
        judging.assign_judges(actor=convener, challenge=challenge)


def test_assign_judges_refused_while_open(convener):
    challenge = make_challenge(status=Status.OPEN)

    with pytest.raises(Conflict):
        judging.assign_judges(actor=convener, challenge=challenge)


def test_assign_judges_refused_to_non_convener():
    challenge = make_challenge(status=Status.JUDGING)

    with pytest.raises(NotAllowed):
        judging.assign_judges(actor=make_user(roles=["reviewer"]), challenge=challenge)


def _assignment(challenge):
    (judge,) = _judges(challenge, 1)
    submission = make_submission(make_team(challenge))
    return JudgeAssignment.objects.create(submission=submission, judge=judge)


def test_score_submission_stores_weighted_mean():
    challenge = make_challenge(status=Status.JUDGING)  # weights 2 and 1
    assignment = _assignment(challenge)
    use, clarity = challenge.criteria.all()

    judging.score_submission(
        actor=assignment.judge, assignment_id=assignment.pk, scores={use.pk: 5, clarity.pk: 2}
    )

    assignment.refresh_from_db()
    assert str(assignment.weighted_score) == "4.000"


def test_score_submission_refuses_off_scale_score():
    challenge = make_challenge(status=Status.JUDGING)
    assignment = _assignment(challenge)
    use, clarity = challenge.criteria.all()

    with pytest.raises(DomainError) as exc:
        judging.score_submission(
            actor=assignment.judge, assignment_id=assignment.pk, scores={use.pk: 9, clarity.pk: 2}
        )

    assert exc.value.field == f"score_{use.pk}"


def test_score_submission_refuses_another_judge():
    challenge = make_challenge(status=Status.JUDGING)
    assignment = _assignment(challenge)

    with pytest.raises(NotAllowed):
        judging.score_submission(actor=make_user(), assignment_id=assignment.pk, scores={})


def test_score_submission_refused_after_results():
    challenge = make_challenge(status=Status.RESULTS)
    assignment = _assignment(challenge)
    use, clarity = challenge.criteria.all()

    with pytest.raises(Conflict):
        judging.score_submission(
            actor=assignment.judge, assignment_id=assignment.pk, scores={use.pk: 3, clarity.pk: 3}
        )


def test_declare_conflict_drops_the_assignment():
    challenge = make_challenge(status=Status.JUDGING)
    assignment = _assignment(challenge)

    judging.declare_conflict(
        actor=assignment.judge, team=assignment.submission.team, reason="My former student"
    )

    assert JudgeAssignment.objects.count() == 0
    assert (assignment.judge_id, assignment.submission.team_id) in conflict_pairs(challenge)


def test_declare_conflict_refused_to_non_judge():
    challenge = make_challenge(status=Status.JUDGING)
    team = make_team(challenge)

    with pytest.raises(NotAllowed):
        judging.declare_conflict(actor=make_user(), team=team, reason="x")


def test_ranking_orders_by_mean_and_shares_ties():
    challenge = make_challenge(status=Status.JUDGING)
    judge = make_user()
    subs = [make_submission(make_team(challenge), title=t) for t in ("A", "B", "C")]
    for sub, score in zip(subs, (3, 4, 4), strict=True):
        JudgeAssignment.objects.create(
            submission=sub, judge=judge, weighted_score=score, scored_at=timezone.now()
        )

    rows = ranking(challenge)

    assert [(r.rank, r.submission.title, str(r.score)) for r in rows] == [
        (1, "B", "4.00"),
        (1, "C", "4.00"),
        (3, "A", "3.00"),
    ]


def test_assign_judges_rerun_drops_pair_conflicted_since(convener):
    challenge = make_challenge(status=Status.JUDGING, judges_per_submission=1)
    a, b = _judges(challenge, 2)
    team = make_team(challenge)
    make_submission(team)
    JudgeAssignment.objects.create(submission=team.submission, judge=a)
    make_org(members=[a, team.members.get()])  # a joins the team member's organisation

    judging.assign_judges(actor=convener, challenge=challenge)

    assert list(JudgeAssignment.objects.values_list("judge_id", flat=True)) == [b.pk]


def test_score_submission_refused_when_a_tie_arose_after_assignment():
    challenge = make_challenge(status=Status.JUDGING)
    assignment = _assignment(challenge)
    make_org(members=[assignment.judge, assignment.submission.team.members.get()])
    use, clarity = challenge.criteria.all()

    with pytest.raises(NotAllowed):
        judging.score_submission(
            actor=assignment.judge, assignment_id=assignment.pk, scores={use.pk: 3, clarity.pk: 3}
        )


def test_invite_judge_twice_is_refused(convener):
    challenge = make_challenge(status=Status.OPEN)
    person = make_user()
    judging.invite_judge(actor=convener, challenge=challenge, user=person)

    with pytest.raises(Conflict):
        judging.invite_judge(actor=convener, challenge=challenge, user=person)

    assert list(Judge.objects.values_list("user_id", flat=True)) == [person.pk]


def test_invite_judge_refused_after_results(convener):
    challenge = make_challenge(status=Status.RESULTS)

    with pytest.raises(Conflict):
        judging.invite_judge(actor=convener, challenge=challenge, user=make_user())

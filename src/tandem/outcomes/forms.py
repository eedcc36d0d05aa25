from __future__ import annotations

from typing import Any, cast

from django import forms

from tandem.forms import NHSDateInput
from tandem.outcomes.models import Category, Direction, Frequency, Kpi, Measure
from tandem.programmes.models import Milestone, Service


class KpiForm(forms.Form):
    owner = forms.ChoiceField(label="Service or locality")
    name = forms.CharField(label="Name", max_length=200)
    unit = forms.CharField(
        label="Unit", max_length=40, required=False, help_text="For example %, days, £k or beds."
    )
    direction = forms.ChoiceField(
        label="Which way is better?", choices=Direction.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label="Category", choices=Category.choices)
    frequency = forms.ChoiceField(
        label="How often is it measured?", choices=Frequency.choices, widget=forms.RadioSelect
    )
    target = forms.FloatField(label="Target", required=False, help_text="Leave empty for none.")
    measure = forms.ChoiceField(
        label="What kind of measure is it?",
        choices=Measure.choices,
        initial=Measure.VALUE,
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "Decides how the change after the programme began is worked out: a count is read as "
            "a rate ratio (“11% fewer admissions than the earlier trend predicted”)."
        ),
    )
    seasonal = forms.BooleanField(
        label="It rises and falls with the time of year",
        required=False,
        help_text=(
            "For example winter bed pressures or summer leave. The impact panel then allows for "
            "the season (two pairs of Fourier terms of the month or week), which needs the "
            "values of at least a year before the programme began to be worth it."
        ),
    )
    comparisons = forms.MultipleChoiceField(
        label="Compare with the same measure in these comparison services",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Services not in the programme: if the change here is larger than the change there, "
            "something other than a trend across the whole organisation is more likely."
        ),
    )
    rebase_milestones = forms.MultipleChoiceField(
        label="Re-base the limits at these milestones",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Only where a milestone changed how the service works: the chart then judges the "
            "months after it against their own centre line and limits."
        ),
    )

    def __init__(
        self,
        *args: Any,
        services: list[Service],
        milestones: list[Milestone],
        kpi: Kpi | None = None,
        comparison_services: list[Service] | None = None,
        comparison_kpis: list[Kpi] | None = None,
        **kwargs: Any,
    ) -> None:
        if kpi is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "owner": f"service-{kpi.service_id}"
                if kpi.service_id
                else f"locality-{kpi.locality_id}",
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "category": kpi.category,
                "frequency": kpi.frequency,
                "target": kpi.target,
                "rebase_milestones": [str(m.pk) for m in kpi.rebase_milestones.all()],
                "measure": kpi.measure,
                "seasonal": kpi.seasonal,
                "comparisons": [str(k.pk) for k in kpi.comparisons.all()],
            }
        super().__init__(*args, **kwargs)
        localities = {s.locality_id: s.locality for s in services}
        cast(forms.ChoiceField, self.fields["owner"]).choices = (
            [("", "Choose a service or locality")]
            + [(f"service-{s.pk}", f"{s.name} ({s.locality.name})") for s in services]
            + [(f"locality-{pk}", f"All of {loc.name}") for pk, loc in localities.items()]
            + [
                (f"service-{s.pk}", f"{s.name} ({s.locality.name}): comparison")
                for s in comparison_services or []
            ]
        )
        candidates = [k for k in comparison_kpis or [] if kpi is None or k.pk != kpi.pk]
        cast(forms.MultipleChoiceField, self.fields["comparisons"]).choices = [
            (str(k.pk), f"{k.name}, {k.owner_name}") for k in candidates
        ]
        self._comparison_kpis = {k.pk: k for k in candidates}
        if not candidates:
            del self.fields["comparisons"]
        cast(forms.ChoiceField, self.fields["rebase_milestones"]).choices = [
            (str(m.pk), f"{m.title} ({m.start_date:%d %b %Y})") for m in milestones
        ]
        self._services = {s.pk: s for s in [*services, *(comparison_services or [])]}
        self._localities = localities
        self._milestones = {m.pk: m for m in milestones}
        if kpi is not None:
            # Moving a KPI's history to another service would mislabel it: fixed once created.
            self.fields["owner"].disabled = True

    def clean_owner(self) -> tuple[Service | None, Any]:
        value = str(self.cleaned_data["owner"])
        kind, _, number = value.partition("-")
        if kind == "service" and number.isdigit() and int(number) in self._services:
            return self._services[int(number)], None
        if kind == "locality" and number.isdigit() and int(number) in self._localities:
            return None, self._localities[int(number)]
        raise forms.ValidationError("Choose one of the programme's services or localities.")

    def clean_measure(self) -> str:
        return str(self.cleaned_data.get("measure") or Measure.VALUE)

    def chosen_comparisons(self) -> list[Kpi] | None:
        if "comparisons" not in self.fields:
            return None
        return [self._comparison_kpis[int(pk)] for pk in self.cleaned_data["comparisons"]]

    def chosen_milestones(self) -> list[Milestone]:
        return [self._milestones[int(pk)] for pk in self.cleaned_data["rebase_milestones"]]


class KpiValueForm(forms.Form):
    period = forms.DateField(
        label="Period",
        widget=NHSDateInput,
        help_text="Any day in the month (or week) the value is for.",
    )
    value = forms.FloatField(label="Value")


class KpiImportForm(forms.Form):
    file = forms.FileField(
        label="KPI values (CSV or XLSX)", help_text="Columns: service, kpi, period, value."
    )


class ComparisonServicesForm(forms.Form):
    services = forms.MultipleChoiceField(
        label="Services to compare the programme's services with",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Services of the organisation that are not in the programme. Their KPIs are entered "
            "and imported as the programme's own are, and only the programme's leads and "
            "sponsors see them."
        ),
    )

    def __init__(
        self, *args: Any, candidates: list[Service], chosen: list[Service], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"services": [str(s.pk) for s in chosen]})
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["services"]).choices = [
            (str(s.pk), f"{s.name} ({s.locality.name})") for s in candidates
        ]
        self._candidates = {s.pk: s for s in candidates}

    def chosen(self) -> list[Service]:
        return [self._candidates[int(pk)] for pk in self.cleaned_data["services"]]

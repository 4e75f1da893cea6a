"""The texts of the demo's agreements (Markdown). Written for the demo; not legal advice."""

from __future__ import annotations

_POOLED_BODY = """\
This agreement is between the members of the **Data Cargo** data collaboration. It is based
on the [Computational Use of Data Agreement 1.0](https://spdx.org/licenses/C-UDA-1.0.html)
(C-UDA-1.0), with the terms below agreed by the parties.

1. **The data.** Trip-level readings from the eCargo-bike sensors of Pedal Post, Green
   Courier Co and CargoCycle Logistics, pooled by Data Cargo as the dataset
   `data-cargo-sensors`, in every version published under this agreement.
2. **Permitted purposes.** Transport planning and research. Nothing else.
3. **No commercial use.** Do not use the data to compete for deliveries, to price services
   or to approach another firm's customers.
4. **No onward sharing.** Do not pass the data, or extracts of it, to anyone who is not a
   member of the collaboration.
5. **Attribution.** Credit "Data Cargo and its member firms" in anything you publish that
   uses the data.
6. **Retention.** Delete your copies within 365 days of downloading them.
7. **No re-identification.** Do not try to identify riders or customers from the data.
"""

POOLED_V1 = f"""\
# Data Cargo pooled sensor data agreement

{_POOLED_BODY}"""

POOLED_V2 = f"""\
# Data Cargo pooled sensor data agreement (version 2)

Version 2 adds clause 8, on published totals. Everything else is unchanged.

{_POOLED_BODY}8. **Published totals.** Results may be published only as totals per zone and day
   across the firms. Data Cargo publishes such totals as open data (the dataset
   `data-cargo-zone-summaries`, under CC-BY-4.0). No published figure may name a firm or
   show one firm's fleet, trips or customers on their own.
"""

REUSE_V1 = """\
# Packaging reuse open data agreement

The packaging reuse events published by **Reath** with **Zero Waste Scotland** are licensed
under [Creative Commons Attribution 4.0](https://spdx.org/licenses/CC-BY-4.0.html)
(CC-BY-4.0): you may use, share and adapt them for any purpose, commercial or not.

By accepting, you register as a user of the data, so that we can tell you about corrections
and new versions. In return:

1. **Attribution.** Credit "Reath and Zero Waste Scotland, packaging reuse data" and link to
   the licence.
2. **No re-identification.** The events carry no personal data; do not try to link them to
   the people who borrowed or returned an item.
"""

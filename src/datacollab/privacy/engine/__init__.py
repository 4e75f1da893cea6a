"""The privacy engine: structured aggregate queries with disclosure control and DP noise.

Pure Python over DuckDB and OpenDP: no ORM and no Django here, so the engine can be tested
and benchmarked alone and a later engine (Spark) can run the same queries. Problems are
raised as `QueryProblem(code, params)`; the Django layer turns codes into translated text.
"""

from datacollab.privacy.engine.problems import QueryProblem
from datacollab.privacy.engine.query import AggregateQuery, Dimension, Filter, Measure
from datacollab.privacy.engine.result import AggregateResult, Cell
from datacollab.privacy.engine.run import run_query
from datacollab.privacy.engine.spec import ColumnSpec, MeasureBounds, Protection, TableSpec

__all__ = [
    "AggregateQuery",
    "AggregateResult",
    "Cell",
    "ColumnSpec",
    "Dimension",
    "Filter",
    "Measure",
    "MeasureBounds",
    "Protection",
    "QueryProblem",
    "TableSpec",
    "run_query",
]

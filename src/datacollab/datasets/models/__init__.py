from datacollab.datasets.models.access import AccessGrant, AccessRequest
from datacollab.datasets.models.dataset import Dataset, Spectrum
from datacollab.datasets.models.version import DatasetVersion, Upload

__all__ = ["AccessGrant", "AccessRequest", "Dataset", "DatasetVersion", "Spectrum", "Upload"]

from .prometheus import PrometheusMetrics

__all__ = ["PrometheusMetrics"]

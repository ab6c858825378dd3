"""The Spark engine keeps children's data on loopback unless the operator says otherwise."""

import pytest

pytestmark = pytest.mark.spark


def test_the_spark_driver_listens_on_loopback_only():
    from reunite.linkage.spark_session import local_spark_session

    conf = local_spark_session().sparkContext.getConf()

    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.driver.host") == "127.0.0.1"

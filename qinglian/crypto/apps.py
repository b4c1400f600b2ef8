from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "qinglian.crypto"
    label = "crypto"
    verbose_name = "密钥与加密"

"""app/delivery"""

"""app/accounts"""

"""app/lifecycle"""

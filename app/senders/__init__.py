"""app/senders"""
